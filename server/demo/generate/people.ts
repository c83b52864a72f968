/**
 * Synthetic person names and demo-range phone numbers.
 */
import { Random } from '../../domain/random'

export const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭',
  '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '程', '曹', '袁', '邓', '许', '傅', '沈',
  '曾', '彭', '吕', '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '潘', '杜', '戴', '夏', '田',
  '任', '姜', '范', '方', '石', '姚', '谭', '邹', '金', '陆', '郝', '孔', '白', '崔', '康', '毛', '邱', '秦',
]

export const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀',
  '霞', '平', '刚', '英', '华', '玉', '萍', '红', '建', '文', '辉', '鹏', '宇', '浩', '凯', '晨', '欣', '雪',
  '琳', '博', '林', '斌', '波', '峰', '亮', '东', '岩', '旭', '阳', '宁', '楠', '健', '慧', '丹', '颖', '佳',
  '鑫', '帅', '新', '春', '晶', '海', '国', '志',
]

export function personName(rng: Random): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.7) ? rng.pick(GIVEN) : '')
}

/** A phone number in a range used only for demo data (024 is Shenyang's area code). */
export function demoPhone(rng: Random): string {
  return `024-5550${String(rng.int(0, 9999)).padStart(4, '0')}`
}
